/*
 * onnx-proto.h: the conversions from protobuf-c's generated ONNX messages
 * to the frontend's graph types. Only the files that read protobuf include
 * it; the rest of the frontend never sees a generated type.
 */
#ifndef MLRT_ONNX_PROTO_H
#define MLRT_ONNX_PROTO_H

#include "onnx.pb-c.h"
#include "onnx-graph.h"

/* A TensorProto's contents as a dense tensor. The message says what is
 * wrong (the caller names the file and tensor). */
MlrtStatus mlrt_onnx_tensor_from_proto (const Onnx__TensorProto *proto,
                                        MlrtOnnxTensor **tensor,
                                        MlrtError *error);
/* An attribute; graphs, sparse tensors and types are refused. */
MlrtStatus mlrt_onnx_attr_from_proto (const Onnx__AttributeProto *proto,
                                      MlrtOnnxAttr *attr, MlrtError *error);

#endif /* MLRT_ONNX_PROTO_H */
