/*
 * chain-model.h: writes a long chained model package for the tests and the
 * benchmark that check how the runtime scales with layer count. The chain
 * is `blocks` blocks of a 1x1 convolution and an add of the block's input
 * (a short skip), so every tensor but a block's input dies after one
 * layer: the widest point is three tensors whatever the length.
 *
 * The convolution rotates the channels by one (weight: +1 from the next
 * channel, -1 from its own; the add restores it), so with inputs that are
 * multiples of 1/8 in [0, 1] every value is exact in float32 and float16,
 * and after k blocks channel c holds the input's channel (c + k) mod C.
 * One weight tensor serves every layer, so weights.bin stays small.
 */
#ifndef CHAIN_MODEL_H
#define CHAIN_MODEL_H

typedef struct {
  int blocks;
  int channels, height, width;
  int half;                 /* compute_precision float16 */
  int mid_output;           /* also output "mid": the tensor after
                               blocks / 2 blocks */
  int input_skip;           /* one more layer: y = chain + input "x" */
  int bad_last_offset;      /* the last convolution's weight lies past the
                               end of weights.bin */
} ChainModel;

/* The layers the package has. */
int chain_model_layers (const ChainModel *c);
/* The name of layer i, as the package spells it, written into buf. */
const char *chain_model_layer_name (const ChainModel *c, int i, char *buf,
                                    int len);
/* Writes DIR/NAME.mlpackage/{model.json,weights.bin}: input "x" and output
 * "y", float32 multi-arrays [channels, height, width]. Returns 0, or -1
 * with errno set. */
int chain_model_write (const char *dir, const char *name,
                       const ChainModel *c);

#endif /* CHAIN_MODEL_H */
