// First: zod's settings apply to every schema the imports below build.
import '../zod-config.js';
import { render } from 'preact';
import './participant.css';
import { ParticipantApp } from './App.js';
import { initParticipantLanguage } from './lang.js';

initParticipantLanguage();
const root = document.getElementById('app');
if (root) render(<ParticipantApp />, root);
// The last loaded page opens offline (public/p/sw.js keeps the page and its assets).
if ('serviceWorker' in navigator)
  navigator.serviceWorker.register('/p/sw.js', { scope: '/p/' }).catch(() => {});
