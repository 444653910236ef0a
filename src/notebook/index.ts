/**
 * Plots and tables for the notebooks: SVG and HTML strings to hand to tslab's
 * `display.svg` / `display.html`, DataFrames of activities, small statistics. Pure functions
 * without I/O (danfojs is loaded only by the DataFrame helpers, on first use): what a
 * notebook shows is tested here, not in the notebook.
 */
export { barChart, groupedBarChart, histogram, histogramBins, lineChart, scatterChart } from './charts.js';
export type { BarChartOptions, Bins, GroupedBarOptions, HistogramOptions, LineChartOptions, Marker, ScatterOptions, Series } from './charts.js';
export { heatmap, heatColor } from './heatmap.js';
export type { HeatmapOptions } from './heatmap.js';
export { htmlTable } from './table.js';
export type { TableOptions } from './table.js';
export { extent, formatNumber, linearScale, niceTicks } from './scale.js';
export { PALETTE } from './svg.js';
export { ACTIVITY_COLUMNS, activityColumns, activityFrame, daysSpanned, frameHtml } from './frames.js';
export { correlationMatrix, meanBy, pearson, std } from './stats.js';
export { alertLoadCurve, countPerDay, empiricalCdf, prCurve, type PrCurve } from './curves.js';
export { kmeansSweep, nearestCentroids, type KCandidate, type SweepOptions } from './kmeans.js';
export { NOTEBOOK_SAMPLE, generatedSample, notebookBundleUri, notebookModel, type Sample } from './workflow.js';
