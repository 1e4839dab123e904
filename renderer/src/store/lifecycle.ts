/** Whether the service is stopping, as the screens read it. */
import type { AppLifecycle } from '../../../electron/contract/types.js';

/** The till is closing (a stop has begun, or the service answered `stopping`): no payment is offered; the screens say so. */
export function appClosing(s: { readonly lifecycle: AppLifecycle | undefined; readonly error?: { readonly code: string } | undefined }): boolean {
  return s.lifecycle?.state === 'stopping' || s.error?.code === 'stopping';
}
