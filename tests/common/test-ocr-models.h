/*
 * test-ocr-models.h: PaddleOCR's detector, direction classifier and
 * recogniser (with its character list) from the npm package the ONNX
 * tests use ($MLSCOPE_NPM_DIR), converted with the built mlrt-convert
 * ($MLRT_CONVERT) the way ocr-demo --help tells a user to, for the tests
 * that run ocr-demo. Models are never committed: each
 * test run converts its own.
 */
#ifndef TEST_OCR_MODELS_H
#define TEST_OCR_MODELS_H

/* A new scratch directory holding ocr-det.mlpackage (480x320 frames),
 * ocr-cls.mlpackage, ocr-rec.mlpackage (48x640 lines) and ocr-keys.txt;
 * remove it with test_tmpdir_remove. NULL, the test
 * skipped with the reason, when the npm package or mlrt-convert is not
 * there; a failed conversion fails the test. */
char *test_ocr_models_dir (void);

#endif /* TEST_OCR_MODELS_H */
