"""What every stage shares: errors, labels, plain records, progress, files, the workbook gate and printing."""
