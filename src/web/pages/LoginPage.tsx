// 工作人员登录 / Staff sign-in: a node's local account (window clerk, approver, administrator,
// auditor), or on the hub an operator's. After signing in the user returns to the page that sent them
// here (?next=), else to the workbench of their role.
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api';
import type { SessionUser } from '../api';
import { useRegionName } from '../catalog/labels';
import { Icon } from '../components/Icon';
import { Banner, Loading, SecretInput, SignInCard, useErrorText } from '../components/ui';
import { useNodeInfo } from '../nodeInfo';
import { useSession } from '../session';

/** Only same-site paths, never another origin ("//evil" or "https://…"). */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : null;
}

function homeFor(user: SessionUser): string {
  return user.roles.includes('clerk') ? '/exchange' : user.roles.includes('operator') ? '/members' : '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { state, user, signIn, signOut } = useSession();
  const { data: info } = useNodeInfo();
  const regionName = useRegionName();
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const ended = (location.state as { ended?: boolean } | null)?.ended === true;

  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // an empty field: said in the page's language when shown (a message kept as text would stay in the language it was raised in)
  const [missing, setMissing] = useState(false);
  const idRef = useRef<HTMLInputElement>(null);
  const pwRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (state.status === 'anonymous') idRef.current?.focus();
  }, [state.status]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!userId.trim() || !password) {
      setError(null);
      setMissing(true);
      (userId.trim() ? pwRef : idRef).current?.focus();
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(null);
    try {
      const u = await signIn(userId.trim(), password);
      navigate(next ?? homeFor(u), { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError({ kind: 'network', message: String(err) }));
      setPassword('');
      pwRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };


  let body;
  if (state.status === 'loading') {
    body = <Loading lines={4} />;
  } else if (state.status === 'unavailable') {
    body = (
      <Banner tone="info" title={t('session.noAccountsTitle')} testId="no-accounts">
        {t('session.noAccountsBody')}
      </Banner>
    );
  } else if (user) {
    body = (
      <div className="login__signed-in" data-testid="already-signed-in">
        <p>{t('login.alreadySignedIn', { name: user.name, department: user.department })}</p>
        <div className="login__actions">
          <Link className="btn btn--primary" to={next ?? homeFor(user)}>
            {t('login.continue')}
          </Link>
          <button type="button" className="btn" onClick={() => void signOut()}>
            {t('session.signOut')}
          </button>
        </div>
      </div>
    );
  } else {
    const locked = error?.code === 'E_RATE_LIMITED';
    body = (
      <form className="login__form" onSubmit={onSubmit} noValidate data-testid="login-form">
        {ended && !error && !missing && (
          <Banner tone="warn" title={t('login.sessionEnded')} testId="session-ended">
            {t('login.sessionEndedBody')}
          </Banner>
        )}
        {missing && (
          <Banner tone="error" title={t('login.failedTitle')} testId="login-error" attrs={{ 'data-code': '' }}>
            {t('login.missing')}
          </Banner>
        )}
        {error && (
          <Banner tone="error" title={locked ? t('login.lockedTitle') : error.code === 'E_UNAUTHENTICATED' ? t('login.wrongTitle') : t('login.failedTitle')} testId="login-error" attrs={{ 'data-code': error.code ?? '' }}>
            {locked ? t('login.lockedBody') : error.code === 'E_UNAUTHENTICATED' ? t('login.wrongBody') : errorText(error)}
            {error.code && <code className="error-code">{error.code}</code>}
          </Banner>
        )}
        <label className="field">
          <span className="field__label">{t('login.userId')}</span>
          <span className="input-wrap">
            <Icon name="user" size={16} className="input-wrap__icon" />
            <input
              ref={idRef}
              className="input"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={userId}
              onChange={(e) => setUserId(e.target.value)}
              placeholder={info?.role === 'hub' ? t('login.userIdPlaceholderHub') : t('login.userIdPlaceholder')}
              data-testid="login-user"
              maxLength={64}
            />
          </span>
        </label>
        <label className="field">
          <span className="field__label">{t('login.password')}</span>
          <SecretInput
            inputRef={pwRef}
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
            testId="login-password"
            maxLength={200}
            showLabel={t('login.showPassword')}
            hideLabel={t('login.hidePassword')}
          />
        </label>
        <button type="submit" className="btn btn--primary btn--block" disabled={busy} data-testid="login-submit">
          {busy ? t('login.signingIn') : t('login.submit')}
        </button>
        <ul className="login__notes">
          <li>{info?.role === 'hub' ? t('login.noteAccountsHub') : t('login.noteAccounts')}</li>
          <li>{t('login.noteLockout')}</li>
          <li>{t('login.noteSession')}</li>
        </ul>
      </form>
    );
  }

  return (
    <div className="page login" data-testid="page-login">
      <SignInCard
        title={t('login.title')}
        subtitle={
          info?.role === 'node'
            ? t('login.subtitleNode', { name: regionName(info.regionCode, info.regionName), code: info.regionCode })
            : info?.role === 'hub'
              ? t('login.subtitleHub')
              : t('login.subtitle')
        }
      >
        {body}
      </SignInCard>
    </div>
  );
}
