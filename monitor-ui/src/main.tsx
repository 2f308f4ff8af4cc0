// First: zod's settings apply to every schema the imports below build.
import './zod-config.js';
import { render } from 'preact';
import './styles.css';
import { restoreSound } from './live/audio.js';
import { App } from './ui/App.js';

restoreSound();
const root = document.getElementById('app');
if (root) render(<App />, root);
