import type { RouteGroup } from '../app.ts';

export const evaluateRoutes: RouteGroup = () => {};
