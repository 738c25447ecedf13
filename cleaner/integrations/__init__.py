"""cleaner inside other pipelines: `cleaner.integrations.datatrove.Clean` (a datatrove
step; `pip install datatrove`). For Hugging Face `datasets`, see `cleaner.clean_batch`."""
