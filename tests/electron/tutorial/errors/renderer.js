// Pattern 2 in the tutorial's style, with the failure handled by hand: `openFile()` rejects with plain data,
// `{ kind: "handler", error: { kind: "cancelled" } }`, `{ kind: "timeout", timeoutMs }`, ...
const btn = document.getElementById('btn')
const filePathElement = document.getElementById('filePath')

btn.addEventListener('click', async () => {
  try {
    const filePath = await window.electronAPI.openFile()
    filePathElement.innerText = filePath
  } catch (error) {
    filePathElement.innerText = error.kind === 'handler' ? `not opened: ${error.error.kind}` : `failed: ${error.kind}`
  }
})
