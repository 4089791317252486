// Any path the SPA does not know: say so and offer the way back.
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';

export function NotFoundPage() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  return (
    <div className="page" data-testid="page-not-found">
      <div className="card not-found">
        <div className="not-found__code">404</div>
        <h1 className="not-found__title">{t('notFound.title')}</h1>
        <p className="muted">
          {t('notFound.body')} <code>{pathname}</code>
        </p>
        <Link className="btn btn--primary" to="/">
          {t('notFound.back')}
        </Link>
      </div>
    </div>
  );
}
