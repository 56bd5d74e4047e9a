"""fazhi: figures from China's rule-of-law government reports, as a warehouse."""

__version__ = "0.1.0"
