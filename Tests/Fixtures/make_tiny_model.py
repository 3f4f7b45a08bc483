#!/usr/bin/env python3
"""Writes a tiny random-weight GGUF model on a real tokenizer, for architecture coverage in tests.

    make_tiny_model.py ARCH VOCAB_GGUF OUT.gguf

ARCH is `phi3` or `llama`. The tokenizer (and chat template, if any) comes from VOCAB_GGUF, a
vocab-only file from the pinned llama.cpp tree (models/ggml-vocab-*.gguf); the weights are small
seeded random numbers, so the model loads, templates and generates end to end on that
architecture in well under a second. Needs gguf-py from the same tree on PYTHONPATH, and numpy.
"""
import sys

import numpy as np
import gguf

N_EMBD, N_LAYER, N_HEAD, N_HEAD_KV, N_FF, N_CTX = 64, 2, 4, 4, 128, 512

# Markers llama.cpp's template detection keys on (the real Jinja is not needed for that).
TEMPLATES = {
    "phi3": "{% for message in messages %}{{'<|' + message['role'] + '|>' + '\n' + message['content'] + '<|end|>\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}",
    "llama": "{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] + '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}",
}


def main() -> int:
    arch, vocab_path, out = sys.argv[1:4]
    if arch not in TEMPLATES:
        sys.exit(f"unsupported arch {arch}: use phi3 or llama")
    reader = gguf.GGUFReader(vocab_path)
    tokens = reader.fields["tokenizer.ggml.tokens"].contents()
    n_vocab = len(tokens)
    rng = np.random.default_rng(7)
    w = gguf.GGUFWriter(out, arch)
    w.add_name(f"tandem-tiny-{arch}")
    w.add_context_length(N_CTX)
    w.add_embedding_length(N_EMBD)
    w.add_block_count(N_LAYER)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD_KV)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_dimension_count(N_EMBD // N_HEAD)
    w.add_rope_freq_base(10000.0)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    for key, field in reader.fields.items():
        if not key.startswith("tokenizer.") or key == "tokenizer.chat_template":
            continue
        value = field.contents()
        vtype = field.types[0]
        if vtype == gguf.GGUFValueType.ARRAY:
            w.add_key_value(key, value, vtype, sub_type=field.types[1])
        else:
            w.add_key_value(key, value, vtype)
    w.add_chat_template(TEMPLATES[arch])

    def t(name, *shape):
        # gguf-py takes numpy shapes (reversed ggml order).
        w.add_tensor(name, (rng.standard_normal(shape[::-1]) * 0.05).astype(np.float32))

    t("token_embd.weight", N_EMBD, n_vocab)
    t("output_norm.weight", N_EMBD)
    t("output.weight", N_EMBD, n_vocab)
    for i in range(N_LAYER):
        t(f"blk.{i}.attn_norm.weight", N_EMBD)
        t(f"blk.{i}.ffn_norm.weight", N_EMBD)
        t(f"blk.{i}.attn_output.weight", N_EMBD, N_EMBD)
        t(f"blk.{i}.ffn_down.weight", N_FF, N_EMBD)
        if arch == "phi3":
            t(f"blk.{i}.attn_qkv.weight", N_EMBD, 3 * N_EMBD)
            t(f"blk.{i}.ffn_up.weight", N_EMBD, 2 * N_FF)
        else:
            t(f"blk.{i}.attn_q.weight", N_EMBD, N_EMBD)
            t(f"blk.{i}.attn_k.weight", N_EMBD, N_EMBD)
            t(f"blk.{i}.attn_v.weight", N_EMBD, N_EMBD)
            t(f"blk.{i}.ffn_gate.weight", N_EMBD, N_FF)
            t(f"blk.{i}.ffn_up.weight", N_EMBD, N_FF)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
