import { render } from 'preact';
import './styles.css';
import { restoreSound } from './live/audio.js';
import { App } from './ui/App.js';

restoreSound();
const root = document.getElementById('app');
if (root) render(<App />, root);
