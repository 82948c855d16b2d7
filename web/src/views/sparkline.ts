/** A sparkline of a series on a small canvas (no inline SVG styles: the CSP allows canvas drawing). */
export function sparkline(values: readonly number[], width = 120, height = 22): HTMLCanvasElement {
  const c = document.createElement('canvas');
  const ratio = window.devicePixelRatio || 1;
  c.width = Math.round(width * ratio);
  c.height = Math.round(height * ratio);
  c.className = 'sparkline';
  c.setAttribute('data-testid', 'sparkline');
  c.setAttribute('data-points', String(values.length));
  const g = c.getContext('2d');
  if (!g || values.length === 0) return c;
  g.scale(ratio, ratio);
  const max = Math.max(...values, 1e-9);
  const step = values.length > 1 ? (width - 2) / (values.length - 1) : 0;
  g.beginPath();
  values.forEach((v, i) => {
    const x = 1 + i * step;
    const y = height - 1 - (v / max) * (height - 2);
    if (i === 0) g.moveTo(x, y);
    else g.lineTo(x, y);
  });
  g.strokeStyle = '#0072b2';
  g.lineWidth = 1;
  g.stroke();
  return c;
}
