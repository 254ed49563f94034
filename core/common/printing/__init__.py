"""The document engine: Chinese fonts, numbered pages, official-document PDFs, printed text and report workbooks."""
