// Stand-in for a retraining job, run by the responder of the stack (responses.yaml): it logs
// the model and version it was asked to retrain. Replace the command in responses.yaml with
// the one that starts your training pipeline.
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { model: { type: 'string' }, version: { type: 'string' } } });
console.log(JSON.stringify({ msg: 'retraining requested', model: values.model, version: values.version }));
