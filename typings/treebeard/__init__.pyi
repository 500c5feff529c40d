# Typed stub for django-treebeard: only the parts Värna uses (see mp_tree.pyi).
__version__: str
