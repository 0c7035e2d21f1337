// Pattern 1 (renderer to main, one-way), as the Electron IPC tutorial's renderer.js has it.
const setButton = document.getElementById('btn')
const titleInput = document.getElementById('title')
setButton.addEventListener('click', () => {
  const title = titleInput.value
  window.electronAPI.setTitle(title)
})
