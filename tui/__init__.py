"""paperscope's interface half: the command line and the Textual explorer.

Nothing here imports Whoosh; everything about papers comes through `search_index`'s public API.
"""
