// Support vector methods: the public face of src/ml/svm.
export { OneClassSVM, EXACT_MAX_ROWS, type OneClassSVMParams } from './one-class-svm.js';
