raise MemoryError("simulated")
