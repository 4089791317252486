// The header's language switch: a two-option segmented control. Saves the choice, and
// rewrites a ?lang= already in the URL so that a reload keeps what the user picked.
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { chooseLang, LANG_QUERY_PARAM, LANGUAGES, useLang } from '../i18n';
import type { Lang } from '../i18n';
import { Icon } from './Icon';

export function LangSwitch() {
  const { t } = useTranslation();
  const lang = useLang();
  const [params, setParams] = useSearchParams();

  const pick = (next: Lang) => {
    if (next === lang) return;
    chooseLang(next);
    if (params.has(LANG_QUERY_PARAM)) {
      const copy = new URLSearchParams(params);
      copy.set(LANG_QUERY_PARAM, next);
      setParams(copy, { replace: true });
    }
  };

  return (
    <div className="lang-switch" role="group" aria-label={t('header.language')} data-testid="lang-switch" data-lang={lang}>
      <Icon name="globe" size={15} className="lang-switch__icon" />
      {LANGUAGES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          className={l === lang ? 'lang-switch__opt is-active' : 'lang-switch__opt'}
          aria-pressed={l === lang}
          data-testid={`lang-option-${l}`}
          onClick={() => pick(l)}
        >
          {l === 'zh-CN' ? t('header.langZh') : t('header.langEn')}
        </button>
      ))}
    </div>
  );
}
