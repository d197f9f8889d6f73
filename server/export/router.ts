import { permissionProcedure, router } from '../trpc/init';
import { recentExports } from './history';

export const exportsRouter = router({
  /** The caller's recent downloads (from the audit log). */
  recent: permissionProcedure('export').query(({ ctx }) => recentExports(ctx.db, ctx.operator.admin._id.toHexString())),
});
