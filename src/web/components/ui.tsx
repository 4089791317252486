// Small presentational building blocks shared by the pages: cards, tags, banners, the
// loading / empty / error states, description lists.
import { useState } from 'react';
import type { ReactNode, Ref } from 'react';
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
  icon,
  actions,
  children,
  className,
  testId,
  flush,
}: {
  title: ReactNode;
  /** an icon before the title */
  icon?: IconName;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
  flush?: boolean;
}) {
  return (
    <section className={`card${className ? ` ${className}` : ''}`} data-testid={testId}>
      <header className="card__head">
        <h2 className="card__title">
          {icon && <Icon name={icon} size={16} className="card__title-icon" />}
          {icon && ' '}
          {title}
        </h2>
        {actions && <div className="card__actions">{actions}</div>}
      </header>
      <div className={flush ? 'card__body card__body--flush' : 'card__body'}>{children}</div>
    </section>
  );
}

/** A figure with its label and a line under it; the tone colours its edge and value. */
export function Tile({ label, tone, value, sub, testId }: { label: ReactNode; tone: Tone; value: ReactNode; sub?: ReactNode; testId: string }) {
  return (
    <div className={`tile tile--${tone}`} data-testid={testId}>
      <div className="tile__label">{label}</div>
      <div className="tile__value">{value}</div>
      <div className="tile__sub" title={typeof sub === 'string' ? sub : undefined}>
        {sub ?? '\u00a0'}
      </div>
    </div>
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

/**
 * A table whose rows become cards on a phone, each cell labelled by its column (give every cell the
 * `data-label` of its column): the header from `columns`, the rows as children.
 */
export function CardTable({ columns, testId, className, children }: { columns: Array<{ label: ReactNode; className?: string }>; testId: string; className?: string; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className={className ? `table table--cards ${className}` : 'table table--cards'} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th scope="col" key={i} className={c.className}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
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

/** A vocabulary error code's meaning in the page's language (errorCode.*); undefined for a code the UI does not know. */
export function useErrorCodeText(): (code: string) => string | undefined {
  const { t, i18n } = useTranslation();
  return (code) => (i18n.exists(`errorCode.${code}`) ? t(`errorCode.${code as 'E_INTERNAL'}`) : undefined);
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

/** A refresh that failed while the page keeps what it had: when that was fetched, and why the refresh failed. */
export function RefreshFailed({ error, updatedAt }: { error: ApiError | undefined; updatedAt: Date | undefined }) {
  const { t } = useTranslation();
  const lang = useLang();
  const text = useErrorText();
  if (!error) return null;
  return (
    <Banner tone="warn" testId="refresh-error" title={t('common.refreshFailed', { time: updatedAt ? formatDateTime(updatedAt, lang) : '' })}>
      {text(error)}
    </Banner>
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

/**
 * A step that needs confirming, with a reason (required unless `optional`): the text box opens in place,
 * under what the step will do (`children`), and nothing is sent until the confirm button is pressed.
 */
export function ReasonForm({
  label,
  confirm,
  onCancel,
  onSubmit,
  busy,
  testId,
  optional = false,
  maxLength = 2000,
  danger = true,
  children,
}: {
  label: string;
  confirm: string;
  onCancel: () => void;
  /** the reason trimmed; '' when an optional one was left empty */
  onSubmit: (reason: string) => void;
  busy: boolean;
  testId: string;
  optional?: boolean;
  maxLength?: number;
  /** the confirm button says the step ends or refuses something (the default); else it is the primary one */
  danger?: boolean;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const missing = !optional && reason.trim() === '';
  return (
    <form
      className="reason-form"
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        setTouched(true);
        if (!missing) onSubmit(reason.trim());
      }}
    >
      {children}
      <label className="field__label" htmlFor={`${testId}-text`}>
        {label} {optional ? <span className="muted small">{t('edit.optional')}</span> : <span className="req">*</span>}
      </label>
      <textarea id={`${testId}-text`} className="input textarea" rows={3} maxLength={maxLength} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={touched && missing} data-testid={`${testId}-reason`} autoFocus />
      {touched && missing && <FieldError message={{ key: 'review.reasonRequired' }} id={`${testId}-error`} />}
      <div className="reason-form__buttons">
        <button type="button" className="btn" onClick={onCancel} disabled={busy} data-testid={`${testId}-cancel`}>
          {t('common.cancel')}
        </button>
        <button type="submit" className={danger ? 'btn btn--danger' : 'btn btn--primary'} disabled={busy} data-testid={`${testId}-confirm`}>
          {confirm}
        </button>
      </div>
    </form>
  );
}

/** One event of a history timeline (`<ol className="timeline">`): what happened, when, who, and a note (a reason). */
export function TimelineItem({
  kind,
  title,
  aside,
  at,
  actor,
  note,
  attrs,
}: {
  /** the event's kind: its dot's colour (timeline__item--<kind>) and test id (history-<kind>) */
  kind: string;
  title: ReactNode;
  aside?: ReactNode;
  at: string;
  actor: ReactNode;
  note?: ReactNode;
  attrs?: Record<`data-${string}`, string>;
}) {
  return (
    <li className={`timeline__item timeline__item--${kind}`} data-testid={`history-${kind}`} {...attrs}>
      <span className="timeline__dot" aria-hidden="true" />
      <div className="timeline__body">
        <div className="timeline__head">
          <span className="timeline__action">{title}</span>
          {aside && <span className="muted small">{aside}</span>}
        </div>
        <div className="muted small">
          <Time value={at} /> · {actor}
        </div>
        {note && <div className="timeline__reason small">{note}</div>}
      </div>
    </li>
  );
}

/** The card of a sign-in page (staff on a node, the operator on the hub): an emblem, the title and who signs in where. */
export function SignInCard({ title, subtitle, children }: { title: ReactNode; subtitle: ReactNode; children: ReactNode }) {
  return (
    <div className="login__card card">
      <div className="login__head">
        <span className="login__emblem" aria-hidden="true">
          <Icon name="seal" size={26} />
        </span>
        <div>
          <h1 className="login__title">{title}</h1>
          <p className="login__subtitle" data-testid="login-subtitle">
            {subtitle}
          </p>
        </div>
      </div>
      {children}
    </div>
  );
}

/** A password or token field with a lock and a show/hide toggle. */
export function SecretInput({
  value,
  onChange,
  testId,
  name,
  autoComplete,
  maxLength,
  placeholder,
  inputRef,
  showLabel,
  hideLabel,
  invalid,
}: {
  value: string;
  onChange: (value: string) => void;
  testId: string;
  name: string;
  autoComplete: string;
  maxLength: number;
  placeholder?: string;
  inputRef?: Ref<HTMLInputElement>;
  showLabel: string;
  hideLabel: string;
  invalid?: boolean;
}) {
  const [shown, setShown] = useState(false);
  return (
    <span className="input-wrap">
      <Icon name="lock" size={16} className="input-wrap__icon" />
      <input
        ref={inputRef}
        className="input"
        name={name}
        type={shown ? 'text' : 'password'}
        autoComplete={autoComplete}
        autoCapitalize="none"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        data-testid={testId}
        maxLength={maxLength}
        aria-invalid={invalid || undefined}
      />
      <button type="button" className="input-wrap__toggle" onClick={() => setShown((v) => !v)} aria-label={shown ? hideLabel : showLabel} aria-pressed={shown}>
        <Icon name={shown ? 'eyeOff' : 'eye'} size={16} />
      </button>
    </span>
  );
}
