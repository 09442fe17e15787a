/**
 * The implementations of `method` among `routers`, bound to their router. Routers offer any part
 * of a routing interface (Partial), so those without the method are skipped; no router at all
 * throws `none()` (js-libp2p's NoPeerRoutersError / NoContentRoutersError).
 */
export function routerMethods<R, K extends keyof R> (routers: Array<Partial<R>>, method: K, none: () => Error): Array<R[K]> {
  if (routers.length === 0) { throw none() }
  return routers.flatMap(router => {
    const fn = router[method]
    return typeof fn === 'function' ? [fn.bind(router) as R[K]] : []
  })
}
