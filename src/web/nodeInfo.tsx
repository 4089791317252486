// This node's identity (GET /api/info), loaded once for the whole app and re-checked every
// 30 s so a membership decision by the hub shows up without a reload.
import { createContext, useContext } from 'react';
import type { ReactNode } from 'react';
import { fetchInfo } from './api';
import type { NodeInfo } from './api';
import { useResource } from './useResource';
import type { ResourceState } from './useResource';

const NodeInfoContext = createContext<ResourceState<NodeInfo> | null>(null);

export function NodeInfoProvider({ children }: { children: ReactNode }) {
  const info = useResource(fetchInfo, 30_000);
  return <NodeInfoContext.Provider value={info}>{children}</NodeInfoContext.Provider>;
}

export function useNodeInfo(): ResourceState<NodeInfo> {
  const ctx = useContext(NodeInfoContext);
  if (!ctx) throw new Error('useNodeInfo outside NodeInfoProvider');
  return ctx;
}
