/**
 * Plots and tables for the notebooks: SVG and HTML strings to hand to tslab's
 * `display.svg` / `display.html`. Pure functions, no I/O, no dependencies: what a notebook
 * shows is tested here, not in the notebook.
 */
export { barChart, histogram, histogramBins, lineChart, scatterChart } from './charts.js';
export type { BarChartOptions, Bins, HistogramOptions, LineChartOptions, Marker, ScatterOptions, Series } from './charts.js';
export { heatmap, heatColor } from './heatmap.js';
export type { HeatmapOptions } from './heatmap.js';
export { htmlTable } from './table.js';
export type { TableOptions } from './table.js';
export { extent, formatNumber, linearScale, niceTicks } from './scale.js';
export { PALETTE } from './svg.js';
