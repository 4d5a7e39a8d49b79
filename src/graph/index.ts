/** The pure dependency graph of a feature's work packages. */
export { buildGraph, type GraphNode, type WorkGraph } from './work-graph.js';
