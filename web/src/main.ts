/** Entry point of the map page served by `flowmap serve`. */
import './style.css';
import { App } from './app.js';

void new App().start();
