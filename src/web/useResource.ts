// Loads a resource, optionally re-polling it. Keeps the last good data when a refresh fails
// (so a hub outage shows "stale since hh:mm" rather than an empty page), pauses while the
// tab is hidden and refreshes as soon as it is visible again.
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from './api';

export interface ResourceState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** True until the first load settles. */
  loading: boolean;
  /** True while any load (first or later) is in flight. */
  busy: boolean;
  /** When `data` was last received. */
  updatedAt: Date | undefined;
  reload: () => void;
}

/** A failure as an ApiError (one that is not, a network failure with its text). */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError({ kind: 'network', message: String(err) });
}

/** `load` must be stable (a module-level function or a memoised callback). */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, pollMs?: number): ResourceState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [busy, setBusy] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<Date>();
  const [tick, setTick] = useState(0);

  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setBusy(true);
    load(ctrl.signal)
      .then(
        (value) => {
          if (ctrl.signal.aborted) return;
          setData(value);
          setError(undefined);
          setUpdatedAt(new Date());
        },
        (err: unknown) => {
          if (ctrl.signal.aborted) return;
          setError(asApiError(err));
        },
      )
      .finally(() => {
        if (ctrl.signal.aborted) return;
        setLoading(false);
        setBusy(false);
        if (pollMs && pollMs > 0) {
          timer = setTimeout(() => {
            if (!document.hidden) reload();
          }, pollMs);
        }
      });
    return () => {
      ctrl.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [load, tick, pollMs, reload]);

  // A poll skipped while hidden is made up as soon as the page is visible again.
  useEffect(() => {
    if (!pollMs) return;
    const onVisible = () => {
      if (!document.hidden) reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [pollMs, reload]);

  return { data, error, loading, busy, updatedAt, reload };
}
