/**
 * Running recipes: the plan of a recipe with its plugins, and `runRecipe` — the shared side of a run
 * (resume contract, data, plan, progress, notifications, checkpoint folders) around a Runner.
 */
export { planRecipe, placeModel, type PlanInputs } from './plan-recipe.js';
export { runRecipe, type RunOptions, type RunResult } from './run-recipe.js';
export { startBackend, checkHonoured, type StartedBackend } from './backend.js';
export { resumeFields, resumePoint } from './resume.js';
export { inProcessRunner } from './in-process/runner.js';
