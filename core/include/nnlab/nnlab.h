/* nnlab: the engine API. Include this one header. */
#ifndef NNLAB_H
#define NNLAB_H

#include <nnlab/common.h>
#include <nnlab/dataset.h>
#include <nnlab/file_verify.h>
#include <nnlab/files.h>
#include <nnlab/hparams.h>
#include <nnlab/plugin_check.h>
#include <nnlab/registry.h>
#include <nnlab/component.h>
#include <nnlab/compare.h>
#include <nnlab/config.h>
#include <nnlab/crash_handler.h>
#include <nnlab/metrics.h>
#include <nnlab/model.h>
#include <nnlab/model_file.h>
#include <nnlab/model_stats.h>
#include <nnlab/rng.h>
#include <nnlab/run.h>
#include <nnlab/split.h>
#include <nnlab/train.h>

#endif
