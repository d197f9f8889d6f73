/** The analytics views, one file each (kept as one import point for analytics-page.tsx). */
export type { Filters } from './shared';
export { ActiveUsersView } from './active-users-view';
export { RetentionView } from './retention-view';
export { LifecycleView } from './lifecycle-view';
export { StickinessView } from './stickiness-view';
export { FeatureUsageView } from './feature-usage-view';
export { AtRiskView } from './at-risk-view';
