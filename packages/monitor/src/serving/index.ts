export * from './aggregates.js';
export * from './requests.js';
