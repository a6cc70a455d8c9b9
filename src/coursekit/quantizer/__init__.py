"""The fast colour quantization (engine) and its image input and output (images): engineering the course does not teach."""
