import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { language } from '../i18n/store.js';
import { restoreSound } from '../live/audio.js';
import '../styles.css';
import './home.css';
import { Exercise, Pairing, Unsupported } from './App.js';
import { credential, readNow, startGateway } from './runtime.js';

// The home page speaks Chinese first (issue 17) unless the person chose otherwise on this phone.
if (localStorage.getItem('zw.lang') === null) language.value = 'zh-CN';

const codeInHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('code') ?? '';

/** Installable: the service worker caches the page shell so it opens without a network. */
if ('serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/home/sw.js', { scope: '/home/' }).catch(() => undefined);
}

// Diagnostics hook (and the Chromium test's): read the strap's measurement now.
(globalThis as { zonewatchHome?: unknown }).zonewatchHome = { readNow };

function Home() {
  const c = credential.value;
  useEffect(() => {
    if (c) void startGateway();
  }, [c]);
  useEffect(() => restoreSound(), []);
  if (!navigator.bluetooth) return <Unsupported insecure={!isSecureContext} />;
  if (!c) return <Pairing initialCode={codeInHash} />;
  return <Exercise />;
}

render(<Home />, document.getElementById('app')!);
