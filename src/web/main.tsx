// Entry point of the web UI served by every node and by the hub.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import './i18n';
import './styles.css';
import { Layout } from './Layout';
import { otherRoutes, pages } from './nav';
import { NodeInfoProvider } from './nodeInfo';
import { SessionProvider } from './session';
import { NotFoundPage } from './pages/NotFoundPage';
import { RouteError } from './pages/RouteError';

const router = createBrowserRouter([
  {
    path: '/',
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      ...pages.map((p) => (p.path === '/' ? { index: true, element: p.element } : { path: p.path.slice(1), element: p.element })),
      ...otherRoutes.map((r) => ({ path: r.path.slice(1), element: r.element })),
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

const container = document.getElementById('root');
if (!container) throw new Error('#root missing from index.html');

createRoot(container).render(
  <StrictMode>
    <NodeInfoProvider>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </NodeInfoProvider>
  </StrictMode>,
);
