type Child = Node | string | undefined

/** a DOM element with attributes (`class`, `type`, ...; `on*` functions become listeners) and children */
export function h<K extends keyof HTMLElementTagNameMap> (tag: K, attrs: Record<string, string | number | boolean | EventListener | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || value === false) { continue }
    if (typeof value === 'function') {
      el.addEventListener(name.slice(2), value)
    } else {
      el.setAttribute(name, value === true ? '' : String(value))
    }
  }
  for (const child of children) {
    if (child != null) { el.append(child) }
  }
  return el
}

/** the first and last characters of a peer id, enough to tell the room's peers apart */
export function shortId (id: string): string {
  return id.length > 16 ? `${id.slice(0, 6)}…${id.slice(-6)}` : id
}

/** bytes as KiB/MiB for people */
export function formatBytes (bytes: number): string {
  if (bytes < 1024) { return `${bytes} B` }
  if (bytes < 1024 * 1024) { return `${(bytes / 1024).toFixed(1)} KiB` }
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

/**
 * Calls `render` at most once per animation frame however often `schedule` is called: a file
 * transfer reports every chunk, the page only needs to redraw what a frame can show.
 */
export function frameThrottle (render: () => void): () => void {
  let pending = false
  return () => {
    if (pending) { return }
    pending = true
    requestAnimationFrame(() => {
      pending = false
      render()
    })
  }
}
