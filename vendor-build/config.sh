# Shared by build.sh and prefix.sh: the pinned source and the options that name the cache prefix.
# Sourcing this must stay cheap and side-effect free: the Makefile calls prefix.sh on every run.

LLAMA_PY_VERSION=0.3.36
LLAMA_SDIST=llama_cpp_python-${LLAMA_PY_VERSION}.tar.gz
LLAMA_SDIST_SHA256=832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e
LLAMA_SDIST_SIZE=76589250
LLAMA_BUILD_ID=0c1e570          # llama.cpp build inside that sdist (ggml 0.25.3, libllama 0.5.0)

TANDEM_CACHE=${TANDEM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tandem}

# CUDA: asked for explicitly, or nvcc on PATH (TANDEM_CUDA=0 forces it off).
if [ "${TANDEM_CUDA:-}" = "1" ]; then
    llama_cuda=ON
elif [ "${TANDEM_CUDA:-}" = "0" ]; then
    llama_cuda=OFF
elif command -v nvcc >/dev/null 2>&1; then
    llama_cuda=ON
else
    llama_cuda=OFF
fi

# GGML_NATIVE is refused with GGML_BACKEND_DL, so turn on what a native build would from /proc/cpuinfo.
cpu_flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has_flag() { case " $cpu_flags " in *" $1 "*) echo ON ;; *) echo OFF ;; esac; }

LLAMA_CMAKE_OPTIONS=(
    -G Ninja
    -DCMAKE_BUILD_TYPE=Release
    -DBUILD_SHARED_LIBS=ON
    -DGGML_BACKEND_DL=ON
    -DGGML_NATIVE=OFF
    -DGGML_AVX=$(has_flag avx)
    -DGGML_AVX2=$(has_flag avx2)
    -DGGML_FMA=$(has_flag fma)
    -DGGML_F16C=$(has_flag f16c)
    -DGGML_BMI2=$(has_flag bmi2)
    -DGGML_AVX512=$(has_flag avx512f)
    -DGGML_AVX512_VBMI=$(has_flag avx512vbmi)
    -DGGML_AVX512_VNNI=$(has_flag avx512_vnni)
    -DGGML_AVX512_BF16=$(has_flag avx512_bf16)
    -DLLAMA_BUILD_TESTS=OFF
    -DLLAMA_BUILD_EXAMPLES=OFF
    -DLLAMA_BUILD_TOOLS=ON
    -DLLAMA_BUILD_SERVER=ON
    -DLLAMA_CURL=OFF
    -DLLAMA_BUILD_WEBUI=OFF
    -DGGML_CUDA=$llama_cuda
    # llama.cpp's RPC backend (a loadable module like the others) and its rpc-server tool: one
    # model's layers spread over rpc-server processes (`rpc:` on a model entry).
    -DGGML_RPC=ON
    # Installed tools find libllama next door without LD_LIBRARY_PATH.
    "-DCMAKE_INSTALL_RPATH=\$ORIGIN/../lib"
)
if [ "$llama_cuda" = ON ]; then
    LLAMA_CMAKE_OPTIONS+=("-DCMAKE_CUDA_ARCHITECTURES=${TANDEM_CUDA_ARCHS:-native}")
fi

llama_source_id() {
    if [ -n "${LLAMA_CPP_SRC:-}" ]; then
        echo "local-$(printf '%s' "$(cd "$LLAMA_CPP_SRC" && pwd)" | sha256sum | cut -c1-8)"
    else
        echo "$LLAMA_BUILD_ID"
    fi
}

llama_prefix() {
    local hash
    hash=$(printf '%s\n' "${LLAMA_CMAKE_OPTIONS[@]}" | sha256sum | cut -c1-12)
    echo "$TANDEM_CACHE/llama/$(llama_source_id)-$hash"
}
