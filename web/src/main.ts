/**
 * Entry point of the map page served by `flowmap serve`. It asks for the map's graph first and only
 * then loads the map code (Cytoscape & co., most of the bytes), so both travel at the same time.
 */
import './style.css';
import { graphParams, prefetch } from './api.js';
import { parseState } from './state.js';

const state = parseState(location.search);
// Presets count back from the store's newest record, known only from /meta: no early start for them.
if (state.range === 'all' || state.range === 'custom') prefetch('/api/v1/graph', graphParams(state, null));

void import('./app.js').then(({ App }) => new App().start());
