/* nnlab: the engine API. Include this one header. */
#ifndef NNLAB_H
#define NNLAB_H

#include <nnlab/common.h>
#include <nnlab/hparams.h>
#include <nnlab/registry.h>

#endif
