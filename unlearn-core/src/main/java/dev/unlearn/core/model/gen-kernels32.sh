#!/bin/sh
# Regenerates Kernels32.java (float32) from Kernels64.java (float64). Run from this directory.
sed -e 's/DoubleBuffer/FloatBuffer/g' -e 's/Kernels64/Kernels32/g' -e 's#/\*CAST\*/ #(float) #' \
  -e 's/over float64 buffers/over float32 buffers (GENERATED from Kernels64.java, do not edit)/' \
  Kernels64.java > Kernels32.java
