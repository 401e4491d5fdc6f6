// The console's page: routes by the address's hash (#/, #/connect/<connector>, #/accounts/<id>) to a view, and
// follows the server's events so every view stays live.

import { follow } from './api.js'
import { h, replace } from './dom.js'
import { accountView } from './views/account.js'
import { connectView } from './views/connect.js'
import { integrationsView } from './views/integrations.js'

const root = document.getElementById('view')
let dispose = () => {}
let generation = 0

async function route() {
  const mine = ++generation
  dispose()
  dispose = () => {}
  const hash = location.hash.replace(/^#/, '') || '/'
  const connect = /^\/connect\/([a-z0-9-]+)$/.exec(hash)
  const account = /^\/accounts\/(\d+)$/.exec(hash)
  try {
    const stop = connect ? await connectView(root, connect[1]) : account ? await accountView(root, account[1]) : integrationsView(root)
    // A view that finished after the user moved on is discarded.
    if (mine === generation) dispose = stop
    else stop()
  } catch (error) {
    if (mine === generation) replace(root, h('div', { class: 'panel' }, h('h1', {}, 'This page cannot be shown'), h('p', {}, error.message), h('a', { href: '#/' }, '‹ Integrations')))
  }
  for (const link of document.querySelectorAll('.nav-link')) link.classList.toggle('active', hash === '/')
}

window.addEventListener('hashchange', () => void route())
follow()
void route()
