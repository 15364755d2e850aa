// The pipeline's HTTP API (scan results, promotion, audit, deliveries); paths in the .cpp.
#pragma once

#include "pipeline/pipeline.hpp"

namespace portcullis::pipeline {

void mount_pipeline_api(Pipeline& pipeline, registry::Registry& registry,
                        store::MetadataStore& metadata, store::BlobStore& blobs);

}  // namespace portcullis::pipeline
