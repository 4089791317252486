// Small presentational building blocks shared by the pages: cards, tags, banners, the
// loading / empty / error states, description lists.
import type { ReactNode } from 'react';
import type { ParseKeys } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api';
import { formatDateTime, formatRelative } from '../format';
import { useLang } from '../i18n';
import { Icon } from './Icon';
import type { IconName } from './Icon';

export type Tone = 'ok' | 'warn' | 'error' | 'info' | 'neutral' | 'brand';

export function Tag({ tone, children, dot = true, title }: { tone: Tone; children: ReactNode; dot?: boolean; title?: string }) {
  return (
    <span className={`tag tag--${tone}`} title={title}>
      {dot && <span className="tag__dot" aria-hidden="true" />}
      {children}
    </span>
  );
}

export function Card({
  title,
  actions,
  children,
  className,
  testId,
  flush,
}: {
  title: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
  flush?: boolean;
}) {
  return (
    <section className={`card${className ? ` ${className}` : ''}`} data-testid={testId}>
      <header className="card__head">
        <h2 className="card__title">{title}</h2>
        {actions && <div className="card__actions">{actions}</div>}
      </header>
      <div className={flush ? 'card__body card__body--flush' : 'card__body'}>{children}</div>
    </section>
  );
}

const bannerIcon: Record<'ok' | 'warn' | 'error' | 'info', IconName> = {
  ok: 'check',
  warn: 'alert',
  error: 'error',
  info: 'info',
};

export function Banner({
  tone,
  title,
  children,
  testId,
  attrs,
}: {
  tone: 'ok' | 'warn' | 'error' | 'info';
  title: ReactNode;
  children?: ReactNode;
  testId?: string;
  attrs?: Record<`data-${string}`, string>;
}) {
  return (
    <div className={`banner banner--${tone}`} role={tone === 'error' || tone === 'warn' ? 'alert' : 'status'} data-testid={testId} {...attrs}>
      <Icon name={bannerIcon[tone]} size={18} className="banner__icon" />
      <div className="banner__text">
        <div className="banner__title">{title}</div>
        {children && <div className="banner__body">{children}</div>}
      </div>
    </div>
  );
}

export function DescList({ items }: { items: Array<{ label: ReactNode; value: ReactNode; key: string }> }) {
  return (
    <dl className="desc">
      {items.map((it) => (
        <div className="desc__row" key={it.key}>
          <dt>{it.label}</dt>
          <dd>{it.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Loading({ lines = 3 }: { lines?: number }) {
  const { t } = useTranslation();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="visually-hidden">{t('common.loading')}</span>
      {Array.from({ length: lines }, (_, i) => (
        <div className="skeleton" key={i} style={{ width: `${90 - i * 17}%` }} />
      ))}
    </div>
  );
}

export function Empty({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty__title">{title}</div>
      {children && <div className="empty__body">{children}</div>}
    </div>
  );
}

/** The server's bilingual message when it sent one, else a message for the failure kind. */
export function useErrorText(): (err: ApiError) => string {
  const { t } = useTranslation();
  const lang = useLang();
  return (err) => {
    if (err.kind === 'api') {
      const own = lang === 'en' ? (err.messageEn ?? err.messageZh) : (err.messageZh ?? err.messageEn);
      return own ?? err.message;
    }
    if (err.kind === 'network') return t('error.network');
    if (err.kind === 'format') return t('error.format');
    return t('error.http', { status: err.status ?? '?' });
  };
}

/**
 * A message raised by the page itself (a form's validation), kept as its key and values rather than as
 * text, so that it is translated where it is shown, and again when the user switches language.
 */
export interface Message {
  key: ParseKeys;
  values?: Record<string, string | number>;
}

/** A Message in the page's language; `live` adds values that are themselves in the page's language (labels). */
export function useMessageText(): (message: Message, live?: Record<string, string | number>) => string {
  const { t } = useTranslation();
  return (message, live) => t(message.key, { ...message.values, ...live });
}

/** A form field's validation problem, under the field. */
export function FieldError({ message, id }: { message: Message | undefined | null; id?: string }) {
  const text = useMessageText();
  if (!message) return null;
  return (
    <span className="field__error" id={id} role="alert">
      <Icon name="error" size={13} /> {text(message)}
    </span>
  );
}

export function ErrorPanel({ title, error, onRetry }: { title: ReactNode; error: ApiError; onRetry?: () => void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  return (
    <div className="error-panel" role="alert">
      <Icon name="error" size={20} className="error-panel__icon" />
      <div className="error-panel__text">
        <div className="error-panel__title">{title}</div>
        <div className="error-panel__body">
          {text(error)}
          {error.code && <code className="error-code">{error.code}</code>}
          {error.status !== null && error.kind === 'format' && <span className="muted"> · HTTP {error.status}</span>}
        </div>
      </div>
      {onRetry && (
        <button type="button" className="btn btn--small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/** An ISO time shown in Beijing time (or relative, "3 分钟前"), with the full value on hover. */
export function Time({ value, relative }: { value: string | null | undefined; relative?: boolean }) {
  const { t } = useTranslation();
  const lang = useLang();
  if (!value) return <span className="muted">—</span>;
  const abs = formatDateTime(value, lang);
  return (
    <time dateTime={value} title={abs}>
      {relative ? formatRelative(value, lang, t('common.justNow')) : abs}
    </time>
  );
}

/** One numbered part of a long form (the resource editor, the exchange request). */
export function FormSection({ step, title, hint, children, testId }: { step: number; title: ReactNode; hint?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <fieldset className="form-section" data-testid={testId}>
      <legend className="form-section__legend">
        <span className="form-section__step" aria-hidden="true">
          {step}
        </span>
        {title}
      </legend>
      {hint && <p className="form-section__hint">{hint}</p>}
      <div className="form-section__body">{children}</div>
    </fieldset>
  );
}
