// Shown instead of the app frame if rendering throws: a plain message and a reload button,
// never a stack trace.
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router';

export function RouteError() {
  const { t } = useTranslation();
  const err = useRouteError();
  console.error(err);
  return (
    <div className="fatal" role="alert">
      <h1>{t('fatal.title')}</h1>
      <p>{t('fatal.body')}</p>
      <button type="button" className="btn btn--primary" onClick={() => window.location.reload()}>
        {t('fatal.reload')}
      </button>
    </div>
  );
}
