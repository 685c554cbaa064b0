"""Data: the QA schema, the embedded world and file formats."""

from obliviate.data.formats import load_items, read_jsonl, write_jsonl
from obliviate.data.schema import QAItem
from obliviate.data.world import World, WorldConfig, qa_prompt

__all__ = ["QAItem", "World", "WorldConfig", "load_items", "qa_prompt", "read_jsonl", "write_jsonl"]
