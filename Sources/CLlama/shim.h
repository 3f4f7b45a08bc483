#pragma once
// libllama and the ggml backend registry (backends are loadable modules: GGML_BACKEND_DL).
#include <llama.h>
#include <ggml-backend.h>
