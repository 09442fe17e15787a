// Make every node_modules/**/playwright-core believe its Chromium is installed, pointing at
// Debian's /usr/bin/chromium, so aegir's browser runner never tries to download a browser.
// Playwright skips the download when <PLAYWRIGHT_BROWSERS_PATH>/<dir>-<revision>/INSTALLATION_COMPLETE exists.
import fs from 'node:fs'
import path from 'node:path'

const root = process.env.PLAYWRIGHT_BROWSERS_PATH ?? path.resolve('.pw-browsers')
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!fs.existsSync(chromium)) {
  console.error(`${chromium} is missing: apt-get install -y chromium`)
  process.exit(1)
}
const layouts = {
  'chromium-headless-shell': ['chromium_headless_shell', 'chrome-headless-shell-linux64/chrome-headless-shell'],
  chromium: ['chromium', 'chrome-linux64/chrome']
}
const found = []
const walk = (dir, depth = 0) => {
  if (depth > 6 || !fs.existsSync(dir)) return
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue
    const p = path.join(dir, e.name)
    if (e.name === 'playwright-core' && fs.existsSync(path.join(p, 'browsers.json'))) found.push(path.join(p, 'browsers.json'))
    else if (e.name === 'node_modules' || e.name.startsWith('@') || depth % 2 === 0) walk(p, depth + 1)
  }
}
walk('node_modules')
for (const bj of found) {
  for (const b of JSON.parse(fs.readFileSync(bj, 'utf8')).browsers) {
    const l = layouts[b.name]
    if (l == null) continue
    const dir = path.join(root, `${l[0]}-${b.revision}`)
    const exe = path.join(dir, l[1])
    fs.mkdirSync(path.dirname(exe), { recursive: true })
    fs.rmSync(exe, { force: true })
    fs.symlinkSync(chromium, exe)
    fs.writeFileSync(path.join(dir, 'INSTALLATION_COMPLETE'), '')
  }
}
console.log(`playwright-core copies pointed at ${chromium}: ${found.length}`)
