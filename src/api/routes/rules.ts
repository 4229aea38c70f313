import type { RouteGroup } from '../app.ts';

export const rulesRoutes: RouteGroup = () => {};
