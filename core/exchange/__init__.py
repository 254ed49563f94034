"""数据交换 (exchange packages): signed workbooks between the bureau and its units, every kind on one pipeline."""
